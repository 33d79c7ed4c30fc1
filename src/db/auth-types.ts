import type { Generated } from "kysely";

export interface KnownDevicesTable {
  tenant_id: string;
  id: string;
  user_id: string;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
}

export interface AuthTables {
  known_devices: KnownDevicesTable;
}
