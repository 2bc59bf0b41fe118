/**
 * Version of the answer checker, recorded in every Verdict (`verifierVersion`) and in provenance
 * (`verification.verifier_version`). Bump it whenever a change can turn a verdict around.
 */
export const VERIFIER_VERSION = 'distill-verify/1.1.0';
