{{- define "vigil.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "vigil.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "vigil.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vigil.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "vigil.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "vigil.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "vigil.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "vigil.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Vigil container; a native sidecar adds restartPolicy: Always (it then lives in initContainers). */}}
{{- define "vigil.container" -}}
- name: vigil
  image: "{{ .Values.vigil.image.repository }}:{{ .Values.vigil.image.tag | default .Chart.AppVersion }}"
  imagePullPolicy: {{ .Values.vigil.image.pullPolicy }}
  {{- if .Values.vigil.nativeSidecar }}
  restartPolicy: Always
  {{- end }}
  env:
    - { name: VIGIL_CONFIG, value: /etc/vigil/vigil.yaml }
    - { name: VIGIL_DATA_DIR, value: /data }
    - { name: VIGIL_GRPC_ADDRESS, value: "127.0.0.1:{{ .Values.vigil.grpcPort }}" }
    - { name: VIGIL_HTTP_ADDRESS, value: "0.0.0.0:{{ .Values.vigil.httpPort }}" }
    - { name: VIGIL_LOG_LEVEL, value: {{ .Values.vigil.logLevel | quote }} }
    - name: K8S_POD_NAME
      valueFrom: { fieldRef: { fieldPath: metadata.name } }
    - name: K8S_NAMESPACE_NAME
      valueFrom: { fieldRef: { fieldPath: metadata.namespace } }
    - name: OTEL_RESOURCE_ATTRIBUTES
      value: "k8s.pod.name=$(K8S_POD_NAME),k8s.namespace.name=$(K8S_NAMESPACE_NAME)"
    {{- with .Values.vigil.env }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  ports:
    - { name: http, containerPort: {{ .Values.vigil.httpPort }}, protocol: TCP }
  {{- with .Values.vigil.startupProbe }}
  startupProbe:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.vigil.livenessProbe }}
  livenessProbe:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.vigil.readinessProbe }}
  readinessProbe:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if not .Values.vigil.nativeSidecar }}
  lifecycle:
    # exec rather than the sleep action, which older clusters (the ones without native sidecars) lack.
    preStop:
      exec: { command: [sleep, "{{ .Values.vigil.preStopSleepSeconds }}"] }
  {{- end }}
  resources:
    {{- toYaml .Values.vigil.resources | nindent 4 }}
  securityContext:
    {{- toYaml .Values.vigil.securityContext | nindent 4 }}
  volumeMounts:
    - { name: vigil-config, mountPath: /etc/vigil, readOnly: true }
    - { name: vigil-data, mountPath: /data }
    - { name: vigil-tmp, mountPath: /tmp }
{{- end -}}
