import { describe, expect, it } from 'vitest';
import { crc8Maxim, parseW1Slave, scratchpadMillidegrees } from '../../src/drivers/ds18b20.js';
import { SensorDataError } from '../../src/drivers/errors.js';

/** Two-line w1_slave text as the kernel prints it. */
const w1 = (bytes: string, crc: string, verdict: 'YES' | 'NO', t: number): string => `${bytes} : crc=${crc} ${verdict}\n${bytes} t=${t}\n`;

describe('parseW1Slave', () => {
  it.each([
    ['a normal room reading', w1('72 01 4b 46 7f ff 0e 10 57', '57', 'YES', 23125), 23.125],
    ['a negative temperature (kernel truncates -1.0625 to t=-1062)', w1('ef ff 4b 46 7f ff 01 10 ce', 'ce', 'YES', -1062), -1.062],
    ['the top of the range, +125 °C (07D0h)', w1('d0 07 4b 46 7f ff 10 10 55', '55', 'YES', 125000), 125],
    ['the bottom of the range, -55 °C (FC90h)', w1('90 fc 4b 46 7f ff 10 10 ee', 'ee', 'YES', -55000), -55],
    ['a line ending in CRLF', '91 01 4b 46 7f ff 0f 10 25 : crc=25 YES\r\n91 01 4b 46 7f ff 0f 10 25 t=25062\r\n', 25.062],
  ])('reads %s', (_name, text, expected) => {
    expect(parseW1Slave(text)).toBe(expected);
  });

  it.each([
    ['a CRC failure the kernel reports as NO (bus glitch, all ones)', w1('ff ff ff ff ff ff ff ff ff', 'c9', 'NO', -62), 'crc'],
    ['YES with a CRC byte that does not match the data', w1('72 01 4b 46 7f ff 0e 10 58', '58', 'YES', 23125), 'crc'],
    ['the power-up value 85.000 °C', w1('50 05 4b 46 7f ff 0c 10 1c', '1c', 'YES', 85000), 'power-on-value'],
    ['127.9375 °C, above the device range', w1('ff 07 4b 46 7f ff 01 10 2f', '2f', 'YES', 127937), 'out-of-range'],
    ['-56 °C, below the device range', w1('80 fc 4b 46 7f ff 10 10 ba', 'ba', 'YES', -56000), 'out-of-range'],
    ['an empty file', '', 'garbage'],
    ['text that is not w1-therm output', 'hello world\n', 'garbage'],
    ['a first line without the t= line', '72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n', 'garbage'],
    ['an all-zero scratchpad (data line held low; CRC of zeros is 0)', w1('00 00 00 00 00 00 00 00 00', '00', 'YES', 0), 'garbage'],
    ['t= disagreeing with the scratchpad bytes', w1('72 01 4b 46 7f ff 0e 10 57', '57', 'YES', 25000), 'garbage'],
    [
      'two lines carrying different scratchpads',
      '72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n91 01 4b 46 7f ff 0f 10 25 t=23125\n',
      'garbage',
    ],
  ])('rejects %s', (_name, text, kind) => {
    let thrown: unknown;
    try {
      parseW1Slave(text);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SensorDataError);
    expect((thrown as SensorDataError).kind).toBe(kind);
    expect((thrown as SensorDataError).code).toBe('SENSOR_DATA');
  });

  it('accepts a t= line without the repeated scratchpad bytes', () => {
    expect(parseW1Slave('72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\nt=23125\n')).toBe(23.125);
  });
});

describe('scratchpadMillidegrees', () => {
  // DS18B20 datasheet, Table 1 "Temperature/Data Relationship"; m°C truncated toward zero like the kernel.
  it.each([
    [0x07d0, 125_000],
    [0x0550, 85_000],
    [0x0191, 25_062],
    [0x00a2, 10_125],
    [0x0008, 500],
    [0x0000, 0],
    [0xfff8, -500],
    [0xff5e, -10_125],
    [0xfe6f, -25_062],
    [0xfc90, -55_000],
  ])('converts raw %i to %i m°C (datasheet Table 1)', (raw, milli) => {
    expect(scratchpadMillidegrees([raw & 0xff, raw >> 8, 0x4b, 0x46, 0x7f, 0xff, 0x0c, 0x10, 0])).toBe(milli);
  });

  it('reads a GX20MH01 clone in 14-bit mode with the two extra bits from the config register', () => {
    // 0190h << 2 | 3 = 0643h = 1603 / 64 °C = 25.046875 °C -> 25046 m°C (kernel w1_DS18B20_convert_temp)
    expect(scratchpadMillidegrees([0x90, 0x01, 0x4b, 0x46, 0xa3, 0xff, 0x0c, 0x10, 0])).toBe(25_046);
  });
});

describe('crc8Maxim', () => {
  it('gives A2h for the ROM code example of Maxim Application Note 27', () => {
    expect(crc8Maxim([0x02, 0x1c, 0xb8, 0x01, 0x00, 0x00, 0x00])).toBe(0xa2);
  });

  it.each([
    ['72 01 4b 46 7f ff 0e 10', 0x57],
    ['50 05 4b 46 7f ff 0c 10', 0x1c],
    ['ff ff ff ff ff ff ff ff', 0xc9],
  ])('matches the CRC byte of the captured scratchpad %s', (bytes, crc) => {
    expect(crc8Maxim(bytes.split(' ').map((h) => parseInt(h, 16)))).toBe(crc);
  });
});
