// Ordinary C++ program: iostream, a vector, a map.
#include <iostream>
#include <map>
#include <string>
#include <vector>

int main()
{
    std::vector<int> v{3, 1, 2};
    std::map<std::string, int> m{{"a", 1}, {"b", 2}};
    long s = 0;
    for (int x : v) s += x;
    std::cout << "sum " << s << " keys " << m.size() << std::endl;
    return 0;
}
