/** A parent's visits to the portal (the home page's « since your last visit »). */
export interface HomeVisitsTable {
  tenant_id: string;
  user_id: string;
  household_id: string;
  session_key: string;
  since: Date | null;
  seen_at: Date;
}

export interface HomeTables {
  home_visits: HomeVisitsTable;
}
