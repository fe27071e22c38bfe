"""企业体检 ("企业吹哨，部门报到"): the service explained, the booking form, lookup and cancel."""
