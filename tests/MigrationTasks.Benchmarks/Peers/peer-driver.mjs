// Runs the peer differs in one resident Node.js process, so the benchmark times the differs and not Node's start-up.
// Started by PeerDriver.cs with the peers' install folder as argument. Protocol: one JSON request per line on stdin,
//   {"id": 1, "tool": "pg-delta" | "migra", "op": "plan", "source": url, "target": url, "out": "/path/base"}
// one JSON answer per line on fd 1: {"id": 1, "ok": true, "files": [{"path": "...", "transactional": true}], "ms": 12}
// ("files" empty when the tool finds no difference) or {"id": 1, "ok": false, "error": "..."}.
// Connection URLs carry no password: libpq variables (PGPASSWORD) reach the pg driver through the environment.
import { createInterface } from "node:readline";
import { createRequire } from "node:module";
import { existsSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const prefix = process.argv[2];
const modules = join(prefix, "node_modules");

// The tools print progress and warnings (pg-promise's to stdout); only answers may reach fd 1.
const toStderr = (chunk, encoding, callback) => process.stderr.write(chunk, encoding, callback);
process.stdout.write = toStderr;

const answer = (message) => writeSync(1, JSON.stringify(message) + "\n");

let pgDelta;
async function loadPgDelta() {
  const dist = join(modules, "@supabase", "pg-delta", "dist", "cli", "commands");
  const plan = await import(pathToFileURL(join(dist, "plan.js")).href);
  const render = await import(pathToFileURL(join(dist, "render.js")).href);
  return { cmdPlan: plan.cmdPlan, cmdRender: render.cmdRender };
}

let migra;
function loadMigra() {
  const require = createRequire(join(modules, "@pgkit", "migra", "package.json"));
  return { Migration: require("@pgkit/migra").Migration, createClient: require("@pgkit/client").createClient };
}

// pg-delta as `pgdelta plan` then `pgdelta render --allow-drops` (one file per executor segment, in order).
async function planPgDelta({ source, target, out }) {
  pgDelta ??= await loadPgDelta();
  const planFile = out + ".plan.json";
  await pgDelta.cmdPlan(["--source", source, "--desired", target, "--out", planFile]);
  const plan = JSON.parse(readFileSync(planFile, "utf8"));
  if ((plan.actions ?? []).length === 0) {
    return [];
  }

  await pgDelta.cmdRender(["--plan", planFile, "--out", out + ".sql", "--allow-drops"]);
  const files = [];
  if (existsSync(out + ".sql")) {
    files.push(out + ".sql");
  } else {
    for (let i = 1; existsSync(`${out}_${i}.sql`); i++) files.push(`${out}_${i}.sql`);
  }

  return files.map((path) => ({ path, transactional: !readFileSync(path, "utf8").startsWith("-- pg-delta: transaction=false") }));
}

// @pgkit/migra as `migra --unsafe --with-privileges` (the Supabase CLI's default engine).
async function planMigra({ source, target, out }) {
  migra ??= loadMigra();
  const from = migra.createClient(source);
  const to = migra.createClient(target);
  try {
    const m = await migra.Migration.create(from, to, {});
    m.set_safety(false);
    m.add_all_changes(true);
    const sql = m.sql;
    if (sql.trim().length === 0) {
      return [];
    }

    writeFileSync(out + ".sql", sql);
    return [{ path: out + ".sql", transactional: false }];
  } finally {
    await Promise.all([from.end(), to.end()]);
  }
}

const tools = { "pg-delta": planPgDelta, migra: planMigra };

let pending = 0;
let closed = false;
const lines = createInterface({ input: process.stdin });
lines.on("line", async (line) => {
  if (line.trim().length === 0) return;
  const request = JSON.parse(line);
  pending++;
  const started = performance.now();
  try {
    const files = await tools[request.tool](request);
    answer({ id: request.id, ok: true, files, ms: performance.now() - started });
  } catch (error) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    answer({ id: request.id, ok: false, error: text, ms: performance.now() - started });
  } finally {
    pending--;
    if (closed && pending === 0) process.exit(0);
  }
});
lines.on("close", () => {
  closed = true;
  if (pending === 0) process.exit(0);
});
