/**
 * @gatehouse/rules: the gateway model, the pure compiler, and the functions
 * that check and apply a ruleset through one runner.
 *
 *   GatewayModel.parse(input) -> compile(model) -> check(script) -> apply(script)
 */
export * from './model.js';
export * from './ports.js';
export { compile, compileTableBody, tableRef, CHAIN, SCRIPT_HEADER, TABLE_FAMILY } from './compile.js';
export { FTP_HELPER_OBJECT, ftpHelperServers } from './render/ftp.js';
export { KEEP_PORT_MAP, NEW_PORT_MAP, forwardElements, renderElement, forwardComment } from './render/forwards.js';
export * from './runner.js';
export * from './nft.js';
export * from './drift.js';
export * from './kernel.js';
export * from './persistence.js';
export { checkRuleset as check, applyRuleset as apply } from './nft.js';
