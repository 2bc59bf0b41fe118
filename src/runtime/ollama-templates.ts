/**
 * Ollama Modelfile TEMPLATEs (Go templates) for the chat formats Distill can translate: its student format,
 * DeepSeek-R1 (pre-opened `<think>`), and ChatML. Undefined for other formats.
 */
export function ollamaTemplateFor(source: string, eos: string): string | undefined {
  if (source.includes('Assistant: <think>'))
    return (
      '{{ if .System }}System: {{ .System }}\n{{ end }}{{ range .Messages }}{{ if eq .Role "user" }}User: {{ .Content }}\n' +
      `{{ else if eq .Role "assistant" }}Assistant: {{ .Content }}${eos}\n{{ end }}{{ end }}Assistant: <think>\n`
    );
  if (source.includes('<｜Assistant｜>'))
    return (
      '{{- if .System }}{{ .System }}{{ end }}{{- range .Messages }}{{- if eq .Role "user" }}<｜User｜>{{ .Content }}' +
      '{{- else if eq .Role "assistant" }}<｜Assistant｜>{{ .Content }}<｜end▁of▁sentence｜>{{ end }}{{- end }}<｜Assistant｜><think>\n'
    );
  if (source.includes('<|im_start|>'))
    return (
      '{{- if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}{{- range .Messages }}<|im_start|>{{ .Role }}\n' +
      '{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n'
    );
  return undefined;
}
