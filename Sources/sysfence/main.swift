print("sysfence")
