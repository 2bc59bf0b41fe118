import { describe, expect, it } from 'vitest';
import { parseTeacherUri, redact } from './uri.ts';

describe('teacher URIs', () => {
  it('parses every provider form', () => {
    expect(parseTeacherUri('deepseek:deepseek-reasoner')).toMatchObject({
      provider: 'deepseek',
      model: 'deepseek-reasoner',
    });
    expect(parseTeacherUri('ollama:deepseek-r1:7b')).toMatchObject({
      provider: 'ollama',
      model: 'deepseek-r1:7b',
    });
    expect(parseTeacherUri('openrouter:deepseek/deepseek-r1?stream=false')).toMatchObject({
      model: 'deepseek/deepseek-r1',
      options: { stream: 'false' },
    });
    expect(parseTeacherUri('openai-compatible:http://127.0.0.1:8000/v1#Qwen/QwQ-32B')).toMatchObject({
      baseUrl: 'http://127.0.0.1:8000/v1',
      model: 'Qwen/QwQ-32B',
    });
    expect(
      parseTeacherUri('azure:https://r.services.ai.azure.com/models?api-version=2025-04-01#DeepSeek-R1'),
    ).toMatchObject({
      baseUrl: 'https://r.services.ai.azure.com/models',
      model: 'DeepSeek-R1',
      providerQuery: { 'api-version': '2025-04-01' },
    });
    expect(parseTeacherUri('gguf:./models/teacher.gguf')).toMatchObject({
      provider: 'gguf',
      model: './models/teacher.gguf',
    });
  });

  it('refuses credentials in the URI and unknown providers', () => {
    expect(() => parseTeacherUri('openai-compatible:http://user:sk-secret@host/v1#m')).toThrow(/credentials/);
    expect(() => parseTeacherUri('deepseek:deepseek-reasoner?api_key=sk-secret')).toThrow(/credential/);
    expect(() => parseTeacherUri('azure:https://x/models?api-key=abc#d')).toThrow(/credential/);
    expect(() => parseTeacherUri('nope:model')).toThrow(/Unknown teacher/);
    expect(() => parseTeacherUri('azure:https://x/models')).toThrow(/deployment/);
    expect(redact('http://u:sk-secret@h/v1?token=abc')).not.toMatch(/sk-secret|abc/);
  });

  it('refuses endpoints that are not http(s)', () => {
    expect(() => parseTeacherUri('openai-compatible:ftp://127.0.0.1/v1#m')).toThrow(
      /needs an http\(s\) endpoint URL, got a ftp: URL/,
    );
    expect(() => parseTeacherUri('azure:file:///etc/passwd#d')).toThrow(/http\(s\)/);
    expect(() => parseTeacherUri('openai-compatible:127.0.0.1:8080/v1#m')).toThrow(/http\(s\)/);
    expect(() => parseTeacherUri('ollama:qwen3?base=ftp://h/')).toThrow(
      /base=ftp:\/\/h\/ is not an http\(s\) URL/,
    );
    expect(() => parseTeacherUri('openai-compatible:http://h/v1?base=nope#m')).toThrow(
      /not an http\(s\) URL/,
    );
    expect(parseTeacherUri('ollama:qwen3?base=http://h:11434/').baseUrl).toBe('http://h:11434');
    expect(parseTeacherUri('openai-compatible:https://h/v1#m').baseUrl).toBe('https://h/v1');
  });
});
