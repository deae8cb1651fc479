/**
 * How the user started the CLI, so that help and hints name the command they would type next. The
 * installed command (bin/incidentio-port-etl.js) says so in this variable before it starts the CLI, in
 * its own process and in the child it runs; anything else is the checkout, started with `pnpm etl`.
 * Only the installed command's own name is taken from the variable: a hint never prints other text
 * from the environment.
 */
const PROGRAM_VARIABLE = "INCIDENTIO_PORT_ETL_PROGRAM";
const INSTALLED = "incidentio-port-etl";
const CHECKOUT = "pnpm etl";

/** The program name the environment `env` says the CLI was started as. Pure. */
export function programNameOf(env: Readonly<Record<string, string | undefined>>): string {
  return env[PROGRAM_VARIABLE] === INSTALLED ? INSTALLED : CHECKOUT;
}

/**
 * This process's program name. Read from the environment rather than from the configuration: it is a
 * fact of how the process was started, like its arguments, and no setting a user chooses.
 */
export function programName(): string {
  return programNameOf(process.env);
}
