namespace hipp::blocking {}
