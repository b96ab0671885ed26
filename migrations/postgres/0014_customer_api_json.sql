-- Each customer as the MSP API writes it (`MspCustomer`), kept by the database whenever the
-- row changes: the API's customer list is then a concatenation of stored text instead of 100
-- JSON objects built at every request. Times are the vendor's `YYYY-MM-DD hh:mm:ss` UTC, ""
-- when unset.
ALTER TABLE customers ADD COLUMN api_json TEXT;

CREATE FUNCTION customers_api_json() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.api_json := json_build_object('id', NEW.org_id, 'orgId', NEW.org_id,
        'orgName', NEW.org_name, 'email', NEW.email, 'state', NEW.state,
        'effectedTime', coalesce(to_char(NEW.effected_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), ''),
        'expiredTime', coalesce(to_char(NEW.expired_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), ''))::TEXT;
    RETURN NEW;
END
$$;

CREATE TRIGGER customers_api_json BEFORE INSERT OR UPDATE ON customers
    FOR EACH ROW EXECUTE FUNCTION customers_api_json();

UPDATE customers SET org_id = org_id;
