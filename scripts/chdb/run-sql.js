#!/usr/bin/env node
// Runs a ClickHouse SQL script on chdb (a current ClickHouse engine, in process) and prints every
// result as tab-separated rows, like clickhouse-client does. Used by the tests to prove that the
// project's SQL runs unchanged on a current ClickHouse as well as on Debian's 18.16 server.
// Usage: node run-sql.js [SESSION_DIR] < script.sql   (statements end with ";" at the end of a line)
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { Session } = require('chdb');

const dir = process.argv[2] || fs.mkdtempSync(path.join(os.tmpdir(), 'chdb-'));
const script = fs.readFileSync(0, 'utf8');
const statements = script
  .split('\n')
  .filter((line) => !line.trim().startsWith('--'))
  .join('\n')
  .split(/;\s*(?:\n|$)/)
  .map((s) => s.trim())
  .filter((s) => s.length > 0);

const session = new Session(dir);
try {
  for (const sql of statements) {
    let out;
    try {
      out = session.query(sql, 'TabSeparated');
    } catch (e) {
      process.stderr.write(`chdb refused: ${sql}\n${e.message}\n`);
      process.exit(1);
    }
    if (out) process.stdout.write(out.endsWith('\n') ? out : out + '\n');
  }
} finally {
  session.cleanup && !process.argv[2] && session.cleanup();
}
