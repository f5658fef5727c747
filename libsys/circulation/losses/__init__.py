"""Lost, damaged and found copies."""
