/**
 * The main process owns every socket and the recorder: a bug that lets an exception escape must not
 * take the lab's session down with it. Escaped errors are printed with their stack and shown to the
 * operator as an error notice; the process keeps running.
 */
export function guardProcess(report: (message: string) => void): () => void {
  const onError = (error: unknown): void => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `Sightline: internal error (kept running): ${error instanceof Error ? error.stack : message}\n`,
    );
    try {
      report(`Internal error (Sightline kept running): ${message}`);
    } catch {
      // Reporting must never be the second failure.
    }
  };
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return () => {
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
  };
}
