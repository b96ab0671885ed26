-- The audit log reads newest first by time, then id (issue 23): events may be recorded with an
-- earlier time than the last one (the demo's history, a sweep that writes down what was due).
-- Its pages, of one partner or of all, walk this key.
DROP INDEX IF EXISTS audit_events_at;
CREATE INDEX audit_events_at ON audit_events (at, event_id);
CREATE INDEX audit_events_partner_at ON audit_events (partner_id, at, event_id);
