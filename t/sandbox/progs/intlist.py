# A list of 10**7 ints: about 80 MB of pointers.
a = [0] * 10**7
print(len(a))
