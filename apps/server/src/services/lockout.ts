/**
 * Lockout protection: refuse an apply that would cut the operator off from
 * the panel. The question is answered by walking what the ruleset does with
 * the operator's connection (lockout/fate.ts) under the kernel's current
 * model and the candidate (lockout/check.ts).
 */
export {
  forwardChangeLockoutProblems,
  type LockoutProblem,
  lockoutProblems,
  type OperatorConnection,
} from './lockout/check.js';
export { type ActingObject, type Fate, fateOf, type NewConnection } from './lockout/fate.js';
export { interfaceOfAddress, operatorFromSocket, operatorOf } from './lockout/operator.js';
