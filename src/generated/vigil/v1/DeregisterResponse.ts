// Original file: proto/vigil/v1/heartbeat.proto


export interface DeregisterResponse {
  /**
   * False when no such component was registered.
   */
  'found'?: (boolean);
}

export interface DeregisterResponse__Output {
  /**
   * False when no such component was registered.
   */
  'found'?: (boolean);
}
