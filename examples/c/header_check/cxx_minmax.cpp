// C++: <windows.h> must not define min/max (std::min/std::max keep working)
// and must coexist with the C++ standard library.
#include <windows.h>
#include <tchar.h>
#include <algorithm>
#include <string>
#include <vector>

int winipc_cxx_check();
int winipc_cxx_check()
{
    std::vector<HANDLE> hs(3, INVALID_HANDLE_VALUE);
    std::basic_string<TCHAR> s(TEXT("abc"));
    return std::min(1, 2) + std::max(3, 4) + static_cast<int>(hs.size() + s.size());
}
