{{/*
Named templates that put Vigil into a pod the including chart renders. Each takes the including chart's
root context (`.`) and reads its `vigil:` block, whose defaults come from this library's values.yaml when
the dependency is aliased `vigil`. A pod needs:

  metadata.annotations   vigil-sidecar.podAnnotations   (a config checksum: a config change rolls the pod)
  spec                   vigil-sidecar.initContainers   (the `initContainers:` key with Vigil, native sidecar only)
  spec.containers        vigil-sidecar.containers       (Vigil as an ordinary container, otherwise nothing)
  the bot's env          vigil-sidecar.botEnv           (VIGIL_ADDRESS)
  spec.volumes           vigil-sidecar.volumes
  a document of its own  vigil-sidecar.configmap        (vigil.yaml), vigil-sidecar.persistentVolumeClaim
  a StatefulSet          vigil-sidecar.volumeClaimTemplates
vigil-sidecar.container is the container itself, for pods whose initContainers list is their own.
*/}}

{{/* The `vigil:` block, checked once: without the alias there are no defaults, and every value would be empty. */}}
{{- define "vigil-sidecar.check" -}}
{{- $v := .Values.vigil -}}
{{- if not (and (kindIs "map" $v) (hasKey $v "image") (hasKey $v "persistence")) -}}
{{- fail "vigil-sidecar: no `vigil:` defaults; add `alias: vigil` to the vigil-sidecar dependency in Chart.yaml" -}}
{{- end -}}
{{- if and $v.standalone (not $v.auth.existingSecret) -}}
{{- fail "vigil.standalone (bot.enabled=false in the vigil chart): Vigil would serve gRPC to other pods without tokens; set vigil.auth.existingSecret to a Secret whose key holds `name: token` lines" -}}
{{- end -}}
{{- if and $v.nativeSidecar (not $v.standalone) (semverCompare "<1.29.0-0" .Capabilities.KubeVersion.Version) -}}
{{- fail (printf "vigil.nativeSidecar: Kubernetes %s has no native sidecars (1.29 and later); set vigil.nativeSidecar=false" .Capabilities.KubeVersion.Version) -}}
{{- end -}}
{{- end -}}

{{/* <release>-<chart>-vigil, or the including chart's full name when that already ends in "vigil". */}}
{{- define "vigil-sidecar.fullname" -}}
{{- $base := printf "%s-%s" .Release.Name .Chart.Name -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- $base = .Release.Name -}}
{{- end -}}
{{- if hasSuffix "vigil" $base -}}
{{- $base | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-vigil" ($base | trunc 57 | trimSuffix "-") -}}
{{- end -}}
{{- end -}}

{{- define "vigil-sidecar.labels" -}}
app.kubernetes.io/name: vigil
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: observability-sidecar
app.kubernetes.io/part-of: {{ .Chart.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* vigil.yaml: the user's config plus server.auth when tokens come from a Secret. */}}
{{- define "vigil-sidecar.config" -}}
{{- include "vigil-sidecar.check" . -}}
{{- $v := .Values.vigil -}}
{{- $config := deepCopy ($v.config | default dict) -}}
{{- if $v.auth.existingSecret -}}
{{- $server := get $config "server" | default dict -}}
{{- $_ := set $server "auth" (dict "tokens_file" "/etc/vigil-auth/tokens") -}}
{{- $_ := set $config "server" $server -}}
{{- end -}}
{{- if $config -}}
{{- toYaml $config -}}
{{- else -}}
{}
{{- end -}}
{{- end -}}

{{- define "vigil-sidecar.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "vigil-sidecar.fullname" . }}
  labels:
    {{- include "vigil-sidecar.labels" . | nindent 4 }}
data:
  # Addresses and data_dir come from the container's VIGIL_* variables (stronger than the file).
  vigil.yaml: |
    {{- include "vigil-sidecar.config" . | nindent 4 }}
{{- end -}}

{{/* A changed vigil.yaml rolls the pod. Vigil would also reload it in place; the rollout makes keys that need a restart take effect, at the price of an emptyDir queue (see persistence.type). */}}
{{- define "vigil-sidecar.podAnnotations" -}}
checksum/vigil-config: {{ include "vigil-sidecar.config" . | sha256sum }}
{{- end -}}

{{- define "vigil-sidecar.botEnv" -}}
{{- include "vigil-sidecar.check" . -}}
{{- $v := .Values.vigil -}}
- name: VIGIL_ADDRESS
  value: "127.0.0.1:{{ $v.grpcPort }}"
{{- end -}}

{{/* The Vigil container; a native sidecar adds restartPolicy: Always (it then belongs in initContainers). */}}
{{- define "vigil-sidecar.container" -}}
{{- include "vigil-sidecar.check" . -}}
{{- $v := .Values.vigil -}}
{{- $native := and $v.nativeSidecar (not $v.standalone) -}}
- name: vigil
  image: "{{ $v.image.repository }}:{{ $v.image.tag | default "0.1.0" }}"
  imagePullPolicy: {{ $v.image.pullPolicy }}
  {{- if $native }}
  restartPolicy: Always
  {{- end }}
  env:
    - { name: VIGIL_CONFIG, value: /etc/vigil/vigil.yaml }
    - { name: VIGIL_DATA_DIR, value: /data }
    {{- if $v.standalone }}
    # Standalone: all the pod's interfaces, so other pods reach it on the pod IP; tokens are required (vigil-sidecar.check).
    - { name: VIGIL_GRPC_ADDRESS, value: "0.0.0.0:{{ $v.grpcPort }}" }
    {{- else }}
    # A sidecar serves its own pod only.
    - { name: VIGIL_GRPC_ADDRESS, value: "127.0.0.1:{{ $v.grpcPort }}" }
    {{- end }}
    - { name: VIGIL_HTTP_ADDRESS, value: "0.0.0.0:{{ $v.httpPort }}" }
    - { name: VIGIL_LOG_LEVEL, value: {{ $v.logLevel | quote }} }
    - name: K8S_POD_NAME
      valueFrom: { fieldRef: { fieldPath: metadata.name } }
    - name: K8S_NAMESPACE_NAME
      valueFrom: { fieldRef: { fieldPath: metadata.namespace } }
    - name: OTEL_RESOURCE_ATTRIBUTES
      value: "k8s.pod.name=$(K8S_POD_NAME),k8s.namespace.name=$(K8S_NAMESPACE_NAME)"
    {{- with $v.env }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  ports:
    - { name: http, containerPort: {{ $v.httpPort }}, protocol: TCP }
    {{- if $v.standalone }}
    - { name: grpc, containerPort: {{ $v.grpcPort }}, protocol: TCP }
    {{- end }}
  {{- with $v.startupProbe }}
  startupProbe:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.livenessProbe }}
  livenessProbe:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.readinessProbe }}
  readinessProbe:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if not $native }}
  lifecycle:
    # exec rather than the sleep action, which older clusters (the ones without native sidecars) lack.
    preStop:
      exec: { command: [sleep, "{{ $v.preStopSleepSeconds }}"] }
  {{- end }}
  resources:
    {{- toYaml $v.resources | nindent 4 }}
  securityContext:
    {{- toYaml $v.securityContext | nindent 4 }}
  volumeMounts:
    - { name: vigil-config, mountPath: /etc/vigil, readOnly: true }
    - { name: vigil-data, mountPath: /data }
    - { name: vigil-tmp, mountPath: /tmp }
    {{- if $v.auth.existingSecret }}
    - { name: vigil-auth, mountPath: /etc/vigil-auth, readOnly: true }
    {{- end }}
{{- end -}}

{{/* The pod's `initContainers:` with Vigil when it is a native sidecar; nothing otherwise. */}}
{{- define "vigil-sidecar.initContainers" -}}
{{- include "vigil-sidecar.check" . -}}
{{- $v := .Values.vigil -}}
{{- if and $v.nativeSidecar (not $v.standalone) -}}
initContainers:
  {{- include "vigil-sidecar.container" . | nindent 2 }}
{{- end -}}
{{- end -}}

{{/* Items for the pod's `containers:`: Vigil when it is an ordinary container (or standalone); nothing otherwise. */}}
{{- define "vigil-sidecar.containers" -}}
{{- include "vigil-sidecar.check" . -}}
{{- $v := .Values.vigil -}}
{{- if or (not $v.nativeSidecar) $v.standalone -}}
{{- include "vigil-sidecar.container" . -}}
{{- end -}}
{{- end -}}

{{- define "vigil-sidecar.volumes" -}}
{{- include "vigil-sidecar.check" . -}}
{{- $v := .Values.vigil -}}
{{- $p := $v.persistence -}}
- name: vigil-config
  configMap: { name: {{ include "vigil-sidecar.fullname" . }} }
- name: vigil-tmp
  emptyDir: { sizeLimit: 64Mi }
{{- if eq $p.type "emptyDir" }}
# Lost with the pod (deletion, eviction, rescheduling, rollout): see persistence.type.
- name: vigil-data
  emptyDir: { sizeLimit: {{ $p.sizeLimit }} }
{{- else if eq $p.type "persistentVolumeClaim" }}
- name: vigil-data
  persistentVolumeClaim: { claimName: {{ $p.existingClaim | default (include "vigil-sidecar.fullname" .) }} }
{{- end }}
{{- if $v.auth.existingSecret }}
- name: vigil-auth
  secret:
    secretName: {{ $v.auth.existingSecret }}
    items: [{ key: {{ $v.auth.key }}, path: tokens }]
    # Only Vigil's container mounts it; without a pod fsGroup the files belong to root, so 0440 would lock Vigil out.
    defaultMode: 0444
{{- end }}
{{- end -}}

{{/* The claim for persistence.type persistentVolumeClaim without an existingClaim; nothing otherwise. */}}
{{- define "vigil-sidecar.persistentVolumeClaim" -}}
{{- include "vigil-sidecar.check" . -}}
{{- $v := .Values.vigil -}}
{{- $p := $v.persistence -}}
{{- if and (eq $p.type "persistentVolumeClaim") (not $p.existingClaim) -}}
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {{ include "vigil-sidecar.fullname" . }}
  labels:
    {{- include "vigil-sidecar.labels" . | nindent 4 }}
spec:
  {{- include "vigil-sidecar.claimSpec" $p | nindent 2 }}
{{- end -}}
{{- end -}}

{{/* Items for a StatefulSet's `volumeClaimTemplates:` (persistence.type volumeClaimTemplate). */}}
{{- define "vigil-sidecar.volumeClaimTemplates" -}}
{{- include "vigil-sidecar.check" . -}}
{{- $v := .Values.vigil -}}
{{- $p := $v.persistence -}}
{{- if ne $p.type "volumeClaimTemplate" -}}
{{- fail "vigil-sidecar.volumeClaimTemplates: set vigil.persistence.type=volumeClaimTemplate, or the pod gets a second vigil-data volume" -}}
{{- end -}}
- metadata:
    name: vigil-data
    labels:
      {{- include "vigil-sidecar.labels" . | nindent 6 }}
  spec:
    {{- include "vigil-sidecar.claimSpec" $p | nindent 4 }}
{{- end -}}

{{- define "vigil-sidecar.claimSpec" -}}
accessModes:
  {{- toYaml .accessModes | nindent 2 }}
{{- with .storageClass }}
storageClassName: {{ . }}
{{- end }}
resources:
  requests:
    storage: {{ .size }}
{{- end -}}
