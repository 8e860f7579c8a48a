/**
 * @gatehouse/rules: the gateway model, the pure compiler, and the functions
 * that check and apply a ruleset through one runner.
 *
 *   GatewayModel.parse(input) -> compile(model) -> check(script) -> apply(script)
 */

export { CHAIN, compile, compileTableBody, SCRIPT_HEADER, TABLE_FAMILY, tableRef } from './compile.js';
export * from './delta.js';
export * from './drift.js';
export * from './fake-runner.js';
export * from './forward-index.js';
export * from './ftps.js';
export * from './ha/index.js';
export * from './helper-kernel.js';
export * from './helper-kinds.js';
export { carriesProtocol as carriesProtocolOf, helperPolicy as helperKindPolicy } from './helper-policy.js';
export * from './import/compat.js';
export * from './import/index.js';
export * from './issues.js';
export * from './kernel.js';
export * from './model.js';
export * from './nft.js';
export { applyRuleset as apply, checkRuleset as check } from './nft.js';
export { NFT_KEYWORD_TABLE_NAMES } from './nft-keywords.js';
export * from './own-table.js';
export * from './persistence.js';
export * from './ports.js';
export * from './prefixes.js';
export * from './reflection.js';
export {
  FORWARD_MAPS,
  type ForwardMapName,
  forwardComment,
  forwardElements,
  type MapElement,
  renderElement,
} from './render/forwards.js';
export { FTP_HELPER_OBJECT, ftpHelperServers } from './render/ftp.js';
export { helperServers } from './render/helpers.js';
export { REFLECTION_CHAIN, REFLECTION_LABEL } from './render/reflection.js';
export * from './runner.js';
