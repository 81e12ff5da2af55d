"""Test builders: plain functions that make the objects tests start from, through the real services.

``org``        a small organisation with one account per role (the ``org`` fixture), members and their data
``people``     member input, spreadsheet rows and .xlsx files for the people app
``proposals``  a proposal in a given state (draft, submitted, registered, assigned, accepted, replied …), actions
``activities`` activities (drafted, published, running, closed with attendance) and a year of duty work
``statistics`` a year of proposals with known figures, for the statistics and the documents built from them
"""
