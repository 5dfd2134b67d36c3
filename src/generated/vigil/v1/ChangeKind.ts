// Original file: proto/vigil/v1/admin.proto

export const ChangeKind = {
  CHANGE_KIND_UNSPECIFIED: 'CHANGE_KIND_UNSPECIFIED',
  CHANGE_KIND_ADDED: 'CHANGE_KIND_ADDED',
  CHANGE_KIND_REMOVED: 'CHANGE_KIND_REMOVED',
  CHANGE_KIND_CHANGED: 'CHANGE_KIND_CHANGED',
} as const;

export type ChangeKind =
  | 'CHANGE_KIND_UNSPECIFIED'
  | 0
  | 'CHANGE_KIND_ADDED'
  | 1
  | 'CHANGE_KIND_REMOVED'
  | 2
  | 'CHANGE_KIND_CHANGED'
  | 3

export type ChangeKind__Output = typeof ChangeKind[keyof typeof ChangeKind]
