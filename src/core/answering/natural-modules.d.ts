// natural's index module loads every optional storage backend, and one of them runs dotenv,
// which prints to stdout and costs ~800 ms at start-up. We import the two modules we use directly.
declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const PorterStemmer: { stem(token: string): string };
  export default PorterStemmer;
}
declare module 'natural/lib/natural/util/stopwords.js' {
  const stopwords: { words: string[] };
  export default stopwords;
}
