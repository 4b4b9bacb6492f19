/**
 * Counters of the RESP front end, read by the metrics layer and INFO
 * (`connected_clients`, `total_connections_received`, `total_commands_processed`,
 * `total_net_input_bytes`, `total_net_output_bytes`, `rejected_connections`).
 * Plain fields, updated in place: reading them costs nothing.
 */
export class ServerStats {
  connectedClients = 0;
  totalConnections = 0;
  totalCommands = 0;
  bytesIn = 0;
  bytesOut = 0;
  rejectedConnections = 0;
  /** Connections closed for a protocol error or the query buffer limit. */
  protocolErrors = 0;
}
