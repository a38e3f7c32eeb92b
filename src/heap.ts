import { setFlagsFromString } from 'node:v8';

/**
 * After each full collection V8 lets the heap grow to as much as four times what is still in use before the next
 * one. A long import allocates steadily while what it holds stays the same (a batch of rows, the suppliers seen),
 * so its heap would climb toward that ceiling and a bigger file would seem to need more memory. The platform's
 * processes ask for growth of at most half again, trading a little collector time for memory that stays flat
 * however long the file (bench/ingest.ts measures both).
 */
export const HEAP_GROWING_PERCENT = 50;

export function keepHeapTight(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
