// Read aloud (语音播报) through the browser's own speech synthesis: a Chinese voice for Chinese pages, an
// English one for English. Where the browser has no such voice, the read-aloud buttons stay hidden.
import type { Lang } from '../lang.ts';

function voiceFor(lang: Lang): SpeechSynthesisVoice | null {
  if (typeof speechSynthesis === 'undefined') return null;
  const voices = speechSynthesis.getVoices();
  const want = lang === 'zh' ? /^zh(-|_)?(CN|Hans)?/i : /^en/i;
  return voices.find((v) => /^zh[-_]CN/i.test(v.lang) && lang === 'zh') ?? voices.find((v) => want.test(v.lang)) ?? null;
}

/** Calls `ready` once a voice for the language is known (voices load asynchronously in some browsers). */
export function whenVoiceAvailable(lang: Lang, ready: () => void): void {
  if (typeof speechSynthesis === 'undefined') return;
  if (voiceFor(lang)) { ready(); return; }
  const onChange = () => { if (voiceFor(lang)) { speechSynthesis.removeEventListener('voiceschanged', onChange); ready(); } };
  speechSynthesis.addEventListener('voiceschanged', onChange);
}

export function speak(text: string, lang: Lang): void {
  const voice = voiceFor(lang);
  if (!voice) return;
  speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.voice = voice;
  u.lang = voice.lang;
  u.rate = 0.9; // a little slower than the default, for older listeners
  speechSynthesis.speak(u);
}
