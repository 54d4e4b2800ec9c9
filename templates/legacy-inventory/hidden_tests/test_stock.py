def test_concurrent_checkouts_never_sell_more_than_the_stock(shop, staff, alice, rush):
    """25 customers buy the last 5 units at once: exactly 5 orders succeed (201), the rest get 409, stock ends at 0."""
    product = shop.add_product(staff, stock=5)
    buyers = [alice, *(shop.register() for _ in range(24))]
    codes = rush(buyers, product["id"], 1)
    assert sorted(codes) == [201] * 5 + [409] * 20, codes
    assert shop.stock(staff, product["id"]) == 0


def test_concurrent_checkouts_of_several_units(shop, staff, alice, rush):
    """12 customers order 2 units each of 7 in stock at once: 3 succeed, stock ends at 1, never below 0."""
    product = shop.add_product(staff, stock=7)
    buyers = [alice, *(shop.register() for _ in range(11))]
    codes = rush(buyers, product["id"], 2)
    assert sorted(codes) == [201] * 3 + [409] * 9, codes
    assert shop.stock(staff, product["id"]) == 1


def test_one_customer_double_clicking_checkout(shop, staff, alice, rush):
    """The same customer submits checkout 8 times at once for 2 of 3 units: one order succeeds, stock ends at 1."""
    product = shop.add_product(staff, stock=3)
    codes = rush([alice] * 8, product["id"], 2)
    assert sorted(codes) == [201] + [409] * 7, codes
    assert shop.stock(staff, product["id"]) == 1


def test_one_short_line_takes_no_stock_from_the_others(shop, staff, alice):
    """An order whose second line is out of stock is a 409 and leaves the first line's stock as it was."""
    plenty = shop.add_product(staff, stock=8)
    scarce = shop.add_product(staff, stock=1)
    assert shop.order(alice, (plenty["id"], 3), (scarce["id"], 2)).status_code == 409
    assert shop.stock(staff, plenty["id"]) == 8
    assert shop.stock(staff, scarce["id"]) == 1
