/**
 * The machine's block devices (the disk behind the page cache, the swap device): presets and
 * overrides resolved into plain numbers. The queueing model that uses them is kernel/blockdev.ts.
 */
import type { StorageConfig } from '../config/schema.js';

export interface BlockDeviceParams {
  name: string;
  readNs: number;
  writeNs: number;
  readBps: number;
  writeBps: number;
}

const PRESETS: Readonly<Record<DeviceConfig['preset'], BlockDeviceParams>> = {
  nvme: { name: 'nvme0n1', readNs: 80_000, writeNs: 20_000, readBps: 3e9, writeBps: 2e9 },
  'sata-ssd': { name: 'sda', readNs: 120_000, writeNs: 60_000, readBps: 550e6, writeBps: 500e6 },
  hdd: { name: 'sdb', readNs: 8e6, writeNs: 8e6, readBps: 150e6, writeBps: 150e6 },
};

type DeviceConfig = StorageConfig['disk'];

/** The device's parameters: the preset's, overridden field by field; `defaultName` if no name is given. */
export function resolveBlockDevice(config: DeviceConfig, defaultName?: string): BlockDeviceParams {
  const preset = PRESETS[config.preset];
  return {
    name: config.name ?? defaultName ?? preset.name,
    readNs: config.read_latency ?? preset.readNs,
    writeNs: config.write_latency ?? preset.writeNs,
    readBps: config.read_bandwidth ?? preset.readBps,
    writeBps: config.write_bandwidth ?? preset.writeBps,
  };
}
