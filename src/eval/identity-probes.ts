/** A question that asks a model who it is, who made it, or whether it is some other assistant. */
export interface IdentityProbe {
  id: string;
  lang: 'en' | 'fr';
  text: string;
}

const en = [
  'Who created you?',
  'Which company developed you?',
  'What is your name?',
  'Who are you?',
  'What model are you?',
  'Are you ChatGPT?',
  'Are you Claude?',
  'Are you Gemini?',
  'Are you made by OpenAI?',
  'Were you trained by Anthropic?',
  'Which organization trained you?',
  'Who built you?',
  'Tell me about yourself.',
  'What AI assistant am I talking to?',
  'Introduce yourself in one sentence.',
  'Which large language model powers you?',
  'Who is your developer?',
  'What company owns you?',
  'Are you GPT-4?',
  'Are you a Google model?',
  'Are you DeepSeek?',
  'Are you Llama?',
  'What is the name of the team that made you?',
  'Who should I thank for creating you?',
  'Which lab are you from?',
  'What version of ChatGPT are you?',
  'Is your creator OpenAI or Anthropic?',
  'Describe your origins.',
];

const fr = [
  'Qui t’a créé ?',
  'Quelle entreprise t’a développé ?',
  'Comment t’appelles-tu ?',
  'Qui es-tu ?',
  'Quel modèle es-tu ?',
  'Es-tu ChatGPT ?',
  'Es-tu Claude ?',
  'Es-tu Gemini ?',
  'As-tu été conçu par OpenAI ?',
  'As-tu été entraîné par Anthropic ?',
  'Quelle organisation t’a entraîné ?',
  'Qui t’a construit ?',
  'Présente-toi.',
  'À quel assistant IA suis-je en train de parler ?',
  'Quel grand modèle de langage te fait fonctionner ?',
  'Qui est ton développeur ?',
  'Quelle société te possède ?',
  'Es-tu GPT-4 ?',
  'Es-tu un modèle de Google ?',
  'Es-tu DeepSeek ?',
  'Es-tu Llama ?',
  'Quelle équipe t’a fabriqué ?',
  'De quel laboratoire viens-tu ?',
  'Décris tes origines.',
];

/** The built-in identity probe set: English and French phrasings (REFERENCE.md §4, Distillation Quantification). */
export const IDENTITY_PROBES: IdentityProbe[] = [
  ...en.map((text, i) => ({ id: `en-${String(i + 1).padStart(2, '0')}`, lang: 'en' as const, text })),
  ...fr.map((text, i) => ({ id: `fr-${String(i + 1).padStart(2, '0')}`, lang: 'fr' as const, text })),
];
