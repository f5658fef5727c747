"""Inventory: the acquisition registers, stocktaking (kiểm kê) and withdrawal (thanh lý).

Models (stocktakes, withdrawn copies), then the services of each task (registers,
stocktaking, withdrawal, the withdrawal minutes as PDF), then the pages (views).
"""
