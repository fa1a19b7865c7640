import { describe, expect, it } from 'vitest';
import { parseW1Slave } from '../../src/drivers/ds18b20.js';

/** Datasheet Table 1 example as the kernel prints it: 0191h = +25.0625 °C -> t=25062 (truncated). */
const TEXT = '91 01 4b 46 7f ff 0f 10 25 : crc=25 YES\n91 01 4b 46 7f ff 0f 10 25 t=25062\n';

describe('parseW1Slave text variants', () => {
  it.each([
    ['as the kernel prints it', TEXT],
    ['with upper-case hex digits', TEXT.toUpperCase().replace('T=', 't=')],
    ['with CRLF line ends and blank lines around', `\r\n${TEXT.replace(/\n/g, '\r\n')}\r\n`],
    ['without the bytes on the second line', '91 01 4b 46 7f ff 0f 10 25 : crc=25 YES\nt=25062\n'],
  ])('reads 25.062 °C %s', (_name, text) => {
    expect(parseW1Slave(text)).toBe(25.062);
  });

  it('rejects a second line whose bytes differ from the first, whatever the case', () => {
    expect(() => parseW1Slave(TEXT.replace('91 01 4b 46 7f ff 0f 10 25 t=', '91 01 4B 46 7F FF 0F 10 26 t='))).toThrow(/different scratchpads/);
  });
});
