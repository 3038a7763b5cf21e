// The command line of a bench or measuring script: its arguments, and `opt('--name', default)`,
// the value after `--name` (flags are read with `args.includes('--flag')`).
export const args = process.argv.slice(2);

export const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
