// Runs bcryptjs off the event loop (piscina worker). Plain JS so Next's bundler never touches it.
import bcrypt from "bcryptjs";

export default function run(task) {
  if (task.op === "hash") return bcrypt.hashSync(task.password, task.cost);
  if (task.op === "compare") return bcrypt.compareSync(task.password, task.hash);
  throw new TypeError(`unknown op ${task.op}`);
}
