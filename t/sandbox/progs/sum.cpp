// a + b, the smallest C++ program a judge sees.
#include <iostream>

int main()
{
    long long a = 0, b = 0;
    std::cin >> a >> b;
    std::cout << a + b << "\n";
}
