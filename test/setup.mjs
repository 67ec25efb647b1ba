// Loaded before every test file (test/run.mjs). Property tests are deterministic in CI: one
// fast-check seed for all (a test's own `seed` wins). KUBESIM_PROPERTY_SEED=<n> replays another,
// KUBESIM_PROPERTY_SEED=random explores (the seed of any failure is printed by fast-check).
import fc from "fast-check";

const wanted = process.env.KUBESIM_PROPERTY_SEED;
if (wanted !== "random") fc.configureGlobal({ seed: Number(wanted ?? 20261125) });
