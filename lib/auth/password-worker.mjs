// Runs the CPU-heavy password work off the event loop (piscina worker): bcryptjs hashing and
// comparing, and the zxcvbn strength estimate (up to ~0.5 s for a long random password).
// zxcvbn and its dictionaries (~70 MiB per thread) load only in a thread that estimates strength.
// Plain JS so Next's bundler never touches it.
import os from "node:os";
import bcrypt from "bcryptjs";

/**
 * Lower this thread's CPU priority (nice +10): when every core is busy, the event loop's requests
 * go first and hashing takes what is left; on an idle machine hashing runs at full speed. On
 * Linux, setpriority(pid 0) applies to the calling thread only; elsewhere it would lower the
 * whole process, so it is skipped there. Measured on 2 cores, 8 logins in flight with both
 * threads at normal priority stalled other requests: see README › Performance.
 */
const PASSWORD_THREAD_NICE = 10;
if (process.platform === "linux") {
  try {
    os.setPriority(PASSWORD_THREAD_NICE);
  } catch {
    // not allowed here: hash at normal priority
  }
}

let zxcvbn;

async function loadZxcvbn() {
  const [{ ZxcvbnFactory }, zxcvbnCommon, zxcvbnEnglish] = await Promise.all([
    import("@zxcvbn-ts/core"),
    import("@zxcvbn-ts/language-common"),
    import("@zxcvbn-ts/language-en"),
  ]);
  return new ZxcvbnFactory({
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEnglish.dictionary },
    graphs: zxcvbnCommon.adjacencyGraphs,
    translations: zxcvbnEnglish.translations,
  });
}

async function estimateStrength(password, userInputs) {
  zxcvbn ??= loadZxcvbn();
  const result = (await zxcvbn).check(password, userInputs);
  return { score: result.score, hint: result.feedback.warning || result.feedback.suggestions[0] || null };
}

export default function run(task) {
  if (task.op === "hash") return bcrypt.hashSync(task.password, task.cost);
  if (task.op === "compare") return bcrypt.compareSync(task.password, task.hash);
  if (task.op === "strength") return estimateStrength(task.password, task.userInputs);
  throw new TypeError(`unknown op ${task.op}`);
}
