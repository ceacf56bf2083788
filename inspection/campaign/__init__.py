"""The grading campaign (等级评定工作, issue 14): the province's rules as data and the process's pure logic."""
