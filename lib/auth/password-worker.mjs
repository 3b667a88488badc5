// Runs the CPU-heavy password work off the event loop (piscina worker): bcryptjs hashing and
// comparing, and the zxcvbn strength estimate (up to ~0.5 s for a long random password).
// Plain JS so Next's bundler never touches it.
import bcrypt from "bcryptjs";
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as zxcvbnCommon from "@zxcvbn-ts/language-common";
import * as zxcvbnEnglish from "@zxcvbn-ts/language-en";

let zxcvbn;

function estimateStrength(password, userInputs) {
  zxcvbn ??= new ZxcvbnFactory({
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEnglish.dictionary },
    graphs: zxcvbnCommon.adjacencyGraphs,
    translations: zxcvbnEnglish.translations,
  });
  const result = zxcvbn.check(password, userInputs);
  return { score: result.score, hint: result.feedback.warning || result.feedback.suggestions[0] || null };
}

export default function run(task) {
  if (task.op === "hash") return bcrypt.hashSync(task.password, task.cost);
  if (task.op === "compare") return bcrypt.compareSync(task.password, task.hash);
  if (task.op === "strength") return estimateStrength(task.password, task.userInputs);
  throw new TypeError(`unknown op ${task.op}`);
}
