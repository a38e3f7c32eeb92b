import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { openRuntime } from '../../../runtime.ts';

/** The `spend` command group, created by whichever spend capability registers first. */
export function spendCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'spend') ??
    program.command('spend').description('Spend with the VCS: resolve suppliers, score the classification')
  );
}

export type LabelRow = { supplierName: string; label: string };

/** Read a label file with columns supplier_name,label; a clear message for anything else. */
export function parseLabels(text: string): LabelRow[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, {
      columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()),
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
    });
  } catch (error) {
    throw new Error(
      `The label file is not a readable CSV file (${(error as Error).message}). Save it as CSV with columns supplier_name,label.`,
    );
  }
  if (!records.length) throw new Error('The label file has no rows. Add rows with columns supplier_name,label.');
  const first = records[0]!;
  if (!('supplier_name' in first) || !('label' in first)) {
    throw new Error('The label file needs the columns supplier_name and label (VCSE, NOT or UNSURE) in its first row.');
  }
  const rows: LabelRow[] = [];
  records.forEach((r, i) => {
    const label = (r.label ?? '').trim().toUpperCase();
    if (!['VCSE', 'NOT', 'UNSURE'].includes(label)) {
      throw new Error(
        `Line ${i + 2}: the label “${r.label ?? ''}” is not VCSE, NOT or UNSURE. Correct it and run again.`,
      );
    }
    if ((r.supplier_name ?? '').trim()) rows.push({ supplierName: r.supplier_name!, label });
  });
  return rows;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

// Long: the commands' declarations, each with its own short action.
export function registerSpendResolutionCommands(program: Command): void {
  const spend = spendCommand(program);
  spend
    .command('evaluate')
    .description('Score the VCS classification of a council’s suppliers against a label file (supplier_name,label)')
    .requiredOption('--council <org-id>', 'the council, for example GB-LAE-CRY')
    .requiredOption('--labels <file>', 'CSV with columns supplier_name,label (VCSE, NOT or UNSURE; UNSURE is ignored)')
    .option('--json', 'print one JSON object')
    .action(async (options: { council: string; labels: string; json?: boolean }) => {
      let labels: LabelRow[];
      try {
        labels = parseLabels(await readFile(options.labels, 'utf8'));
      } catch (error) {
        const message =
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? `There is no file at ${options.labels}. Check the path.`
            : (error as Error).message;
        if (options.json) console.log(JSON.stringify({ error: message }));
        console.error(message);
        process.exitCode = 1;
        return;
      }
      const runtime = await openRuntime({ migrate: true });
      try {
        const council = await runtime.services.place.council(options.council);
        if (!council)
          throw new Error(
            `No council ${options.council} has spend here. Import its spend file first (npx partnership import spend <file> --council ${options.council}).`,
          );
        const result = await runtime.services.spendResolution.evaluate(options.council, labels);
        if (options.json) {
          console.log(JSON.stringify(result));
        } else {
          const lines = [
            `Council ${result.council}: ${labels.length} labels (${result.ignored} UNSURE ignored, ${result.missing.length} not among the suppliers).`,
            `  Precision: ${pct(result.precision)}`,
            `  Recall:    ${pct(result.recall)}`,
            `  F1:        ${result.f1.toFixed(3)}`,
            `  tp ${result.tp}  fp ${result.fp}  fn ${result.fn}  tn ${result.tn}`,
          ];
          if (result.councilFlag) {
            const f = result.councilFlag;
            lines.push(
              `  The council's own VCSE flag: precision ${pct(f.precision)}, recall ${pct(f.recall)}, F1 ${f.f1.toFixed(3)} (tp ${f.tp}, fp ${f.fp}, fn ${f.fn})`,
            );
          }
          if (result.errors.length) {
            lines.push('', 'Disagreements:');
            for (const e of result.errors.slice(0, 40))
              lines.push(`  ${e.label.padEnd(5)} ${e.classification.padEnd(11)} ${e.supplierName}`);
          }
          if (result.missing.length)
            lines.push(
              '',
              `Not found: ${result.missing.slice(0, 10).join('; ')}${result.missing.length > 10 ? ' …' : ''}`,
            );
          console.log(lines.join('\n'));
        }
      } catch (error) {
        const message = (error as Error).message;
        if (options.json) console.log(JSON.stringify({ error: message }));
        console.error(message);
        process.exitCode = 1;
      } finally {
        await runtime.close();
      }
    });

  spend
    .command('resolve')
    .description('Find the VCS among a council’s unresolved suppliers (runs after each import)')
    .requiredOption('--council <org-id>', 'the council, for example GB-LAE-CRY')
    .option('--again', 'resolve every supplier again (people’s decisions still apply)')
    .option('--json', 'print one JSON object')
    .action(async (options: { council: string; again?: boolean; json?: boolean }) => {
      const runtime = await openRuntime({ migrate: true });
      try {
        const result = await runtime.services.spendResolution.resolveCouncil(options.council, {
          again: options.again ?? false,
        });
        if (options.json) console.log(JSON.stringify({ council: options.council, ...result }));
        else {
          console.log(
            `Resolved ${result.suppliers} suppliers of ${options.council} in ${result.seconds.toFixed(1)} s.`,
          );
          for (const [k, v] of Object.entries(result.byClassification)) console.log(`  ${k}: ${v}`);
        }
      } finally {
        await runtime.close();
      }
    });
}
