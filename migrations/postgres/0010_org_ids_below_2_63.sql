-- The MSP API writes a customer's orgId as a JSON integer (`customerID`), which clients read as a
-- signed 64-bit number. Ids were drawn from all 19-digit numbers; those above 2^63 - 1 drop their
-- leading 9: the 18 digits left start with 2 or more, stay distinct from each other, and cannot
-- meet an id drawn before or after (those have 19 digits). Nothing outside the console knew them.
UPDATE customers SET org_id = substr(org_id, 2)
WHERE length(org_id) = 19 AND org_id > '9223372036854775807';
