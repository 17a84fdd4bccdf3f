#!/usr/bin/python3
"""Seed a new Tryton 6.0 database for Accord's tests (see tryton.sh).

It adds what parties, sales and invoices need and nothing a customer sync would read as a
customer: the company (currency CNY) and its employee, the ISO countries, a chart of accounts,
fiscal years for this year and the next, a 13% tax, a payment term and one salable service.

usage: tryton_seed.py CONFIG_FILE DATABASE   (with trytond stopped: it opens the database itself)
"""
import datetime
import sys
from decimal import Decimal

import pycountry
from dateutil.relativedelta import relativedelta
from proteus import Model, Wizard, config as proteus_config

config = proteus_config.set_trytond(database=sys.argv[2], config_file=sys.argv[1])

if Model.get('company.company').find([]):
    sys.exit(0)  # seeded already

# Countries by ISO 3166-1 alpha-2 code: addresses name their country by this code.
Country = Model.get('country.country')
Country.save([Country(name=c.name, code=c.alpha_2, code3=c.alpha_3,
    code_numeric=c.numeric) for c in pycountry.countries])

Currency = Model.get('currency.currency')
cny, = Currency.find([('code', '=', 'CNY')])

Party = Model.get('party.party')
company_party = Party(name='Accord Test Company')
company_party.save()
setup = Wizard('company.company.config')
setup.execute('company')
setup.form.party = company_party
setup.form.currency = cny
setup.execute('add')
config._context = Model.get('res.user').get_preferences(True, {})
company, = Model.get('company.company').find([])

# The admin user works for the company: confirming a sale records its employee.
employee_party = Party(name='Accord Test Employee')
employee_party.save()
employee = Model.get('company.employee')(party=employee_party)
employee.save()
User = Model.get('res.user')
admin = User(config.user)
admin.employees.append(employee)
admin.employee = employee
admin.save()
config._context = User.get_preferences(True, {})

# Chart of accounts from the English template.
ModelData = Model.get('ir.model.data')
data, = ModelData.find([('module', '=', 'account'), ('fs_id', '=', 'account_template_root_en')])
chart = Wizard('account.create_chart')
chart.execute('account')
chart.form.account_template = Model.get('account.account.template')(data.db_id)
chart.form.company = company
chart.execute('create_account')
Account = Model.get('account.account')


def account(**domain):
    found = Account.find([('company', '=', company.id)] + [(k.replace('__', '.'), '=', v)
        for k, v in domain.items()], limit=1)
    return found[0]


receivable, payable = account(type__receivable=True), account(type__payable=True)
revenue, expense = account(type__revenue=True), account(type__expense=True)
chart.form.account_receivable = receivable
chart.form.account_payable = payable
chart.execute('create_properties')

# Fiscal years (this one and the next, so that tests near New Year still post invoices).
FiscalYear = Model.get('account.fiscalyear')
Sequence = Model.get('ir.sequence')
SequenceStrict = Model.get('ir.sequence.strict')
SequenceType = Model.get('ir.sequence.type')
move_type, = SequenceType.find([('name', '=', 'Account Move')], limit=1)
invoice_type, = SequenceType.find([('name', '=', 'Invoice')], limit=1)
today = datetime.date.today()
for start in (today + relativedelta(month=1, day=1), today + relativedelta(years=1, month=1, day=1)):
    name = str(start.year)
    year = FiscalYear(name=name, company=company, start_date=start,
        end_date=start + relativedelta(month=12, day=31))
    year.post_move_sequence = Sequence(name=name, sequence_type=move_type, company=company)
    year.post_move_sequence.save()
    invoices = SequenceStrict(name=name, sequence_type=invoice_type, company=company)
    invoices.save()
    sequences, = year.invoice_sequences
    sequences.out_invoice_sequence = sequences.in_invoice_sequence = invoices
    sequences.out_credit_note_sequence = sequences.in_credit_note_sequence = invoices
    year.save()
    year.click('create_period')

tax = Model.get('account.tax')(name='VAT 13%', description='VAT 13%', type='percentage',
    rate=Decimal('.13'), invoice_account=account(name='Main Tax'),
    credit_note_account=account(name='Main Tax'))
tax.save()

term = Model.get('account.invoice.payment_term')(name='Direct')
term.lines.new(type='remainder')
term.save()

category = Model.get('product.category')(name='Services', accounting=True,
    account_expense=expense, account_revenue=revenue)
category.customer_taxes.append(tax)
category.save()
unit, = Model.get('product.uom').find([('name', '=', 'Unit')])
service = Model.get('product.template')(name='Consulting', code='SRV-CONSULT', type='service',
    default_uom=unit, salable=True, sale_uom=unit, list_price=Decimal('100'),
    account_category=category)
service.save()
