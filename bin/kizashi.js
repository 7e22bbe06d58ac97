#!/usr/bin/env node
// kizashi command-line entry point: runs the compiled CLI (npm install builds dist/).
import { main } from '../dist/cli/main.js';

// A closed pipe (`kizashi … | head`) ends the output quietly.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv);
