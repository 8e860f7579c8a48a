/**
 * The UDP echo responder of the data-path bench (datapath.mjs): runs in the
 * lab's server namespace and sends every datagram back to where it came
 * from, so that each of the client's flows is answered through the gateway
 * (the reply direction: conntrack's reply tuple, the masquerade undone).
 *
 *   node bench/udp-echo.mjs <address> <port>     prints "ready" once bound
 */
import dgram from 'node:dgram';

const [address, port] = process.argv.slice(2);
const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
socket.on('message', (msg, from) => socket.send(msg, from.port, from.address));
socket.bind(Number(port), address, () => process.stdout.write('ready\n'));
