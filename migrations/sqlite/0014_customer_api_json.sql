-- Each customer as the MSP API writes it (`MspCustomer`), kept by the database whenever the
-- row changes, in the same statement: the API's customer list is then a concatenation of
-- stored text instead of 100 JSON objects built at every request (most of that request's
-- time in SQLite). Times are the vendor's `YYYY-MM-DD hh:mm:ss` UTC, "" when unset; sqlx keeps
-- RFC 3339 text in UTC, whose first 19 characters are the time.
ALTER TABLE customers ADD COLUMN api_json TEXT;

UPDATE customers SET api_json = json_object('id', org_id, 'orgId', org_id, 'orgName', org_name,
    'email', email, 'state', state,
    'effectedTime', coalesce(replace(substr(effected_at, 1, 19), 'T', ' '), ''),
    'expiredTime', coalesce(replace(substr(expired_at, 1, 19), 'T', ' '), ''));

CREATE TRIGGER customers_api_json_insert AFTER INSERT ON customers BEGIN
    UPDATE customers SET api_json = json_object('id', NEW.org_id, 'orgId', NEW.org_id,
        'orgName', NEW.org_name, 'email', NEW.email, 'state', NEW.state,
        'effectedTime', coalesce(replace(substr(NEW.effected_at, 1, 19), 'T', ' '), ''),
        'expiredTime', coalesce(replace(substr(NEW.expired_at, 1, 19), 'T', ' '), ''))
    WHERE customer_id = NEW.customer_id;
END;

CREATE TRIGGER customers_api_json_update
AFTER UPDATE OF org_id, org_name, email, state, effected_at, expired_at ON customers BEGIN
    UPDATE customers SET api_json = json_object('id', NEW.org_id, 'orgId', NEW.org_id,
        'orgName', NEW.org_name, 'email', NEW.email, 'state', NEW.state,
        'effectedTime', coalesce(replace(substr(NEW.effected_at, 1, 19), 'T', ' '), ''),
        'expiredTime', coalesce(replace(substr(NEW.expired_at, 1, 19), 'T', ' '), ''))
    WHERE customer_id = NEW.customer_id;
END;
