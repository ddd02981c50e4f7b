import type { ComponentProps } from 'react';
import { api, call } from '../api/client.js';
import { useApi } from '../api/use-api.js';
import { TextField } from '../ui/Field.js';

type DongFieldProps = Omit<ComponentProps<typeof TextField>, 'list' | 'autoComplete'> & {
  /** The chosen district's code: its 동 from the city's list are offered. */
  district: string;
};

/**
 * A 동 typed freely, with the city's 동 of the chosen district offered as suggestions. The server
 * refuses a 동 its list places only in another district; a legal 동 not in the list is accepted.
 */
export function DongField({ district, ...field }: DongFieldProps) {
  const dongs = useApi('neighbourhood-dongs', (signal) =>
    call(api.GET('/v1/neighbourhood-giving/dongs', { signal })),
  );
  const suggestions = (dongs.data?.items ?? []).filter((dong) => dong.district === district);
  return (
    <>
      <TextField {...field} list="dong-suggestions" autoComplete="off" />
      <datalist id="dong-suggestions" lang="ko">
        {suggestions.map((dong) => (
          <option key={dong.code} value={dong.nameKo} />
        ))}
      </datalist>
    </>
  );
}
