#!/usr/bin/env node
import { HELP, parseClusterConfig } from "./config.ts";
import { clusterOutput } from "./output.ts";
import { Runner } from "./runner.ts";
import { serveRunner } from "./server.ts";
import { produce } from "./stream-ingress.ts";
import { traffic } from "./traffic.ts";

async function main(): Promise<number> {
  let config: ReturnType<typeof parseClusterConfig>;
  try {
    config = parseClusterConfig(process.argv.slice(2), process.env);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  if (config.command === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  const { say, runnerLog, error } = clusterOutput(config.logFormat, config.runnerId, {
    stdout: (line) => void process.stdout.write(`${line}\n`),
    stderr: (line) => void process.stderr.write(`${line}\n`),
  });
  if (config.command === "produce") {
    const n = await produce({
      url: config.redisUrl,
      prefix: config.prefix,
      envelopes: traffic({
        tenants: config.tenants,
        messages: config.messages,
        runId: config.runId,
        failEvery: config.failEvery,
      }),
    });
    say(`produced ${n} envelopes over ${config.tenants} tenants (prefix ${config.prefix})`);
    return 0;
  }
  const runner = new Runner({
    runnerId: config.runnerId,
    databaseUrl: config.databaseUrl,
    redisUrl: config.redisUrl,
    schema: config.schema,
    namespace: config.namespace,
    prefix: config.prefix,
    leaseMs: config.leaseMs,
    weight: config.weight,
    capacity: config.capacity,
    overflow: config.overflow,
    failureMode: config.failureMode,
    faults: { failMarked: config.failMarked, delayMs: config.delayMs },
    stopTimeoutMs: config.stopTimeoutMs,
    commitBatch: config.commitBatch,
    log: runnerLog,
  });
  try {
    await runner.start();
  } catch (e) {
    error(`cannot start: ${(e as Error).message}`);
    await runner.stop().catch(() => undefined);
    return 1;
  }
  const { port, server } = await serveRunner(runner, config.host, config.port, config.runnerId);
  say(`ready runner=${config.runnerId} incarnation=${runner.incarnation} http://${config.host}:${port}`);
  let signals = 0;
  const onSignal = (): void => {
    if (++signals > 1) process.exit(130);
    runnerLog("leaving (graceful)");
    void runner.stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const code = await runner.stopped;
  server.close();
  return code;
}

process.exitCode = await main();
