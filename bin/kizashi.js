#!/usr/bin/env node
// kizashi command-line entry point: runs the compiled CLI (npm install builds dist/).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
