/* SHA-256 against the FIPS 180-4 examples and sha256sum. */
#include "sha256.h"
#include "tap.h"

int main(void)
{
	char hex[65], big[1000];
	kam_sha256_hex("", 0, hex);
	is_str(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "empty input");
	kam_sha256_hex("abc", 3, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "abc");
	kam_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	is_str(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "56 bytes (two padding blocks)");
	memset(big, 'a', sizeof big);
	kam_sha256_hex(big, sizeof big, hex);
	is_str(hex, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3", "1000 x 'a'");
	return done_testing();
}
