/** tools/fixtures.ts (`deno task fixtures`): which scripts run, and the message when PyTorch is missing. */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { assert } from "./helpers.ts";
import { missingTorchMessage, selectScripts } from "../tools/fixtures.ts";

Deno.test("fixtures task: every script by default, in order; named ones with or without .py", () => {
  const all = ["b_fixtures.py", "a_fixtures.py", "notes.md", "c.py"];
  assertEquals(selectScripts(all, []), ["a_fixtures.py", "b_fixtures.py", "c.py"]);
  assertEquals(selectScripts(all, ["c", "tools/fixtures/a_fixtures.py"]), ["c.py", "a_fixtures.py"]);
  assert.throws(
    () => selectScripts(all, ["nope"]),
    /fixtures: no script "nope" in tools\/fixtures\/ \(have a_fixtures\.py/,
  );
});

Deno.test("fixtures task: without PyTorch it stops before running a script and says how to get it", async () => {
  const msg = missingTorchMessage("/usr/bin/python3", "ModuleNotFoundError: No module named 'torch'\n");
  assert.match(
    msg,
    /^fixtures: \/usr\/bin\/python3 cannot import torch \(ModuleNotFoundError: No module named 'torch'\)/,
  );
  assert.match(msg, /apt-get install python3-torch/);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../tools/fixtures.ts", import.meta.url).pathname],
    env: { PYTHON: "/nonexistent/python3" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  const err = new TextDecoder().decode(out.stderr);
  assert.match(err, /fixtures: \/nonexistent\/python3 cannot import torch/);
  assert.doesNotMatch(new TextDecoder().decode(out.stdout), /fixtures: .*\.py/);
});
